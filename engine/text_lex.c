/* text_lex.c - placeholder */
#include "internal.h"
