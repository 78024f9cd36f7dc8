#include <stdio.h>
#include <stdlib.h>
#include <readline/readline.h>
#include <readline/history.h>

/// Turns off readline's own signal handling, so the program's SIGINT handler runs at once.
static inline void opendoor_rl_disable_signal_handling(void) { rl_catch_signals = 0; }
