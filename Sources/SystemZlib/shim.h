// zlib from the system (Debian: zlib1g-dev), for reading the parts of .xlsx workbooks.
#include <zlib.h>
