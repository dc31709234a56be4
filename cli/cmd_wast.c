/* cmd_wast.c - placeholder */
