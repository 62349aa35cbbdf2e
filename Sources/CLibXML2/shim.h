#include <libxml/xmlversion.h>
/* libxml2 is built with ICU here; its encoding.h would pull in the system's ICU headers,
   whose UErrorCode clashes with Foundation's bundled ICU in any Swift file that imports
   both. trin never touches the ICU converters (only pointers at the end of
   xmlCharEncodingHandler, a struct Swift never allocates), so hide them. */
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The last `<` before `end`, or NULL: where the start tag libxml2 just parsed began
   (glibc's memrchr is a GNU extension Swift's Glibc module does not export). Eight bytes
   at a time: a record's tag is a hundred bytes or more, and this runs once per record. */
static inline const unsigned char *trin_last_open_bracket(const unsigned char *base, const unsigned char *end) {
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL, brackets = 0x3C3C3C3C3C3C3C3CULL;
    while (end - base >= 8) {
        uint64_t word;
        memcpy(&word, end - 8, 8);
        uint64_t x = word ^ brackets;
        if (((x - ones) & ~x & highs) != 0) break; /* one of these eight bytes is '<' */
        end -= 8;
    }
    while (end > base) {
        end--;
        if (*end == '<') return end;
    }
    return NULL;
}
