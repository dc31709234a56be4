/* memory.c - placeholder */
#include "loader.h"
