/* cmd_validate.c - placeholder */
