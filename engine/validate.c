/* validate.c - placeholder */
#include "internal.h"
