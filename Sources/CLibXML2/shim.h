#include <libxml/xmlversion.h>
/* libxml2 is built with ICU here; its encoding.h would pull in the system's ICU headers,
   whose UErrorCode clashes with Foundation's bundled ICU in any Swift file that imports
   both. trin never touches the ICU converters (only pointers at the end of
   xmlCharEncodingHandler, a struct Swift never allocates), so hide them. */
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
