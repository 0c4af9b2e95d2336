# miltertest suites
