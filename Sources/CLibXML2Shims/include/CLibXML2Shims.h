#ifndef TRIN_CLIBXML2_SHIMS_H
#define TRIN_CLIBXML2_SHIMS_H
#include <libxml/xmlreader.h>

/* xmlFree is a global function-pointer variable, which Swift 6 refuses. */
void trin_xml_free(void *pointer);
#endif
