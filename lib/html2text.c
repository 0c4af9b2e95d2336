/* html2text.c - placeholder until implemented. */
#include "config.h"
