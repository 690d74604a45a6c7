#ifndef CLINEEDIT_H
#define CLINEEDIT_H

/* libedit (BSD licensed) for procsh's prompt, loaded with dlopen when the
** prompt first needs it, so that runs without a prompt never load it. */

/* Completion: given the line up to the cursor and the word being completed,
** returns the candidate words (each a whole word, malloc'd) in a malloc'd,
** NULL-terminated array, or NULL for none. */
typedef char **(*le_completer)(const char *line, const char *word);

/* Loads libedit and sets it up; returns 0 if it cannot be loaded (then
** *why, if not NULL, says why). */
int le_open(const char **why);

/* The completion function (NULL: none). */
void le_set_completer(le_completer completer);

/* Shows 'prompt' and reads a line with editing and history. Returns the line
** (malloc'd, without its newline), or NULL: at end of input, or when Ctrl-C
** was pressed, which sets *interrupted to 1 (the line is dropped). */
char *le_readline(const char *prompt, int *interrupted);

/* Adds a line to the in-memory history. */
void le_add_history(const char *line);

#endif
