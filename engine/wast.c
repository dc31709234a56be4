/* wast.c - placeholder */
#include "internal.h"
