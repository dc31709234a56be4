/* artifact.c - placeholder */
#include "loader.h"
