/* text_num.c - placeholder */
#include "internal.h"
