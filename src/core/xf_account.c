/* Account rules: see xf_account.h. */
#include "core/xf_account.h"

#include <string.h>

bool xf_username_valid(const char *username)
{
	size_t n = strlen(username);
	if (n < 2 || n > 32 || username[0] < 'a' || username[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = username[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}
