#include "CLibXML2Shims.h"
#include <libxml/globals.h>

void trin_xml_free(void *pointer) { xmlFree(pointer); }
