/* redis_pool.c - placeholder until implemented. */
#include "config.h"
