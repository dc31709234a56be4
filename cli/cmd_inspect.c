/* cmd_inspect.c - placeholder */
