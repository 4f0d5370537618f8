/* Entry point of the xinfang binary; everything else is in cli/. */
#include "cli/xf_cli.h"

int main(int argc, char **argv)
{
	return xf_cli_main(argc, argv);
}
