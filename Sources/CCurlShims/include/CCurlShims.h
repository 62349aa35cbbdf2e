#ifndef TRIN_CCURL_SHIMS_H
#define TRIN_CCURL_SHIMS_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call:
   one typed wrapper per argument type. */
CURLcode trin_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode trin_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode trin_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode trin_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode trin_curl_setopt_write_callback(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode trin_curl_setopt_header_callback(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode trin_curl_setopt_xferinfo_callback(CURL *handle, int (*callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t));
CURLcode trin_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode trin_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode trin_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode trin_curl_getinfo_string(CURL *handle, CURLINFO info, char **value);

/* Values libcurl defines as macros with casts or shifts, which Swift does not import. */
CURLcode trin_curl_global_init_default(void);
long trin_curlauth_basic(void);
long trin_curlauth_bearer(void);
#endif
