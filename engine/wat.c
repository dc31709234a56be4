/* wat.c - placeholder */
#include "internal.h"
