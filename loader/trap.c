/* trap.c - placeholder */
#include "loader.h"
