# end-to-end suites
