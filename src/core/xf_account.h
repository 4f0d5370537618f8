/* Rules for accounts that hold wherever accounts are made: from the API, the command
 * line or the first start. */
#ifndef XF_ACCOUNT_H
#define XF_ACCOUNT_H

#include <stdbool.h>

/* 2 to 32 characters of a-z 0-9 . _ -, starting with a letter. */
bool xf_username_valid(const char *username);

#endif
