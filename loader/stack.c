/* stack.c - placeholder */
#include "loader.h"
