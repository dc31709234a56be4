/* decode.c - placeholder */
#include "internal.h"
