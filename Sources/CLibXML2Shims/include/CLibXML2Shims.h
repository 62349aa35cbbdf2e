#ifndef TRIN_CLIBXML2_SHIMS_H
#define TRIN_CLIBXML2_SHIMS_H
/* No libxml2 include here: the CLibXML2 module owns those headers (see its shim.h,
   which hides the ICU declarations that clash with Foundation's). */

/* xmlFree is a global function-pointer variable, which Swift 6 refuses. */
void trin_xml_free(void *pointer);
#endif
