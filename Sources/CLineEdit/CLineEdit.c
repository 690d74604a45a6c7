#include "CLineEdit.h"

#include <dlfcn.h>
#include <pthread.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The pieces of libedit's readline interface procsh uses, found by dlsym. */
static struct {
  char *(*readline)(const char *);
  int (*add_history)(const char *);
  int *catch_signals;
  int (**getc_function)(FILE *);
  char **(**attempted_completion_function)(const char *, int, int);
  const char **basic_word_break_characters;
  int *completion_append_character;
  char **line_buffer;
  /* Optional: to list the candidates at the first Tab. */
  void (*display_match_list)(char **, int, int);
  int (*forced_update_display)(void);
} le;

static le_completer completer = NULL;
static volatile sig_atomic_t interrupted = 0;
static pthread_t reader_thread;

/* At SIGINT while reading: only a flag; the reading thread's read fails with
** EINTR. The kernel may deliver the signal to any thread (procsh has HTTP
** threads), so another thread passes it on to the reader. */
static void on_sigint(int sig) {
  if (!pthread_equal(pthread_self(), reader_thread)) {
    pthread_kill(reader_thread, sig);
    return;
  }
  interrupted = 1;
}

/* libedit reads characters here: a Ctrl-C ends the line as if at end of input
** (also when it came while libedit was busy between reads). */
static int read_char(FILE *f) {
  unsigned char c;
  (void)f;
  for (;;) {
    if (interrupted) return EOF;
    ssize_t n = read(STDIN_FILENO, &c, 1);
    if (n == 1) return c;
    if (n < 0 && errno == EINTR) {
      if (interrupted) return EOF;
      continue;
    }
    return EOF;
  }
}

/* readline's completion contract: [common prefix, candidates..., NULL]. */
static char **attempt_completion(const char *word, int start, int end) {
  char **found, **matches;
  size_t n = 0, prefix, i;
  char *line;
  (void)start;
  if (completer == NULL || le.line_buffer == NULL || *le.line_buffer == NULL) return NULL;
  line = strndup(*le.line_buffer, (size_t)end);
  if (line == NULL) return NULL;
  found = completer(line, word);
  free(line);
  if (found == NULL) return NULL;
  while (found[n] != NULL) n++;
  if (n == 0) {
    free(found);
    return NULL;
  }
  prefix = strlen(found[0]);
  for (i = 1; i < n; i++) {
    size_t j = 0;
    while (j < prefix && found[i][j] == found[0][j]) j++;
    prefix = j;
  }
  matches = calloc(n + 2, sizeof(char *));
  if (matches == NULL) return NULL;
  matches[0] = n == 1 ? found[0] : strndup(found[0], prefix);
  for (i = 0; n > 1 && i < n; i++) matches[i + 1] = found[i];
  free(found);
  if (n > 1 && le.display_match_list != NULL && le.forced_update_display != NULL) {
    /* Several: list them now (libedit would wait for a second Tab), redraw
    ** the line below the list, and let libedit insert only their common
    ** prefix, as for a single match. */
    size_t longest = 0;
    for (i = 1; i <= n; i++) {
      size_t len = strlen(matches[i]);
      if (len > longest) longest = len;
    }
    fputc('\n', stdout);
    le.display_match_list(matches, (int)n + 1, (int)longest);  /* counts matches[0] */
    fflush(stdout);
    le.forced_update_display();
    for (i = 1; i <= n; i++) free(matches[i]);
    matches[1] = strdup(matches[0]);
    matches[2] = NULL;
  }
  return matches;
}

/* libedit rings the bell after every completion but a listing, a unique
** one too (fn_complete2 ends in el_beep), and procsh lists candidates at
** the first Tab: the bell would say nothing. It becomes an escape that
** does nothing: save the cursor, and restore it (DECSC, DECRC). */
static void quiet_bell(void *handle) {
  int (*initialize)(void);
  int (*parse_and_bind)(const char *);
  *(void **)&initialize = dlsym(handle, "rl_initialize");
  *(void **)&parse_and_bind = dlsym(handle, "rl_parse_and_bind");
  if (initialize == NULL || parse_and_bind == NULL) return;
  initialize();
  parse_and_bind("settc bl \0337\0338");
}

#define FIND(field, name) \
  if ((*(void **)&le.field = dlsym(handle, name)) == NULL) { \
    if (why) *why = "libedit lacks " name; \
    return 0; \
  }

int le_open(const char **why) {
  static int opened = 0;
  void *handle;
  if (opened) return 1;
  handle = dlopen("libedit.so.2", RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) {
    if (why) *why = dlerror();
    return 0;
  }
  FIND(readline, "readline")
  FIND(add_history, "add_history")
  FIND(catch_signals, "rl_catch_signals")
  FIND(getc_function, "rl_getc_function")
  FIND(attempted_completion_function, "rl_attempted_completion_function")
  FIND(basic_word_break_characters, "rl_basic_word_break_characters")
  FIND(completion_append_character, "rl_completion_append_character")
  FIND(line_buffer, "rl_line_buffer")
  *(void **)&le.display_match_list = dlsym(handle, "rl_display_match_list");
  *(void **)&le.forced_update_display = dlsym(handle, "rl_forced_update_display");
  *le.catch_signals = 0;  /* procsh handles SIGINT itself */
  *le.getc_function = read_char;
  *le.attempted_completion_function = attempt_completion;
  /* '.' and ':' belong to words (jobruns.create, obj:method), and so does
  ** '-' (ids in strings: "job-7"); the completer finds the Lua name in it. */
  *le.basic_word_break_characters = " \t\n\"'><=;+*/%^~#{}()[],";
  *le.completion_append_character = '\0';
  quiet_bell(handle);
  opened = 1;
  return 1;
}

void le_set_completer(le_completer f) {
  completer = f;
}

char *le_readline(const char *prompt, int *was_interrupted) {
  struct sigaction sa, old;
  char *line;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  /* no SA_RESTART: the read fails with EINTR */
  interrupted = 0;
  reader_thread = pthread_self();
  sigaction(SIGINT, &sa, &old);
  line = le.readline(prompt);
  sigaction(SIGINT, &old, NULL);
  *was_interrupted = interrupted;
  if (interrupted && line != NULL) {
    free(line);
    line = NULL;
  }
  return line;
}

void le_add_history(const char *line) {
  le.add_history(line);
}
