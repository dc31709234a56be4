#include <criterion/criterion.h>
#include "internal.h"
