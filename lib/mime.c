/* mime.c - placeholder until implemented. */
#include "config.h"
