#ifndef KLAXON_CURL_SHIM_H
#define KLAXON_CURL_SHIM_H

/*
 * Typed wrappers around libcurl for Swift.
 *
 * curl_easy_setopt and curl_easy_getinfo are C variadic functions (and, with
 * GCC/clang, macros doing compile-time type checks), which Swift cannot call.
 * Each wrapper below fixes the argument type, so the C compiler passes the
 * value exactly as libcurl expects to read it with va_arg. Pick the wrapper
 * that matches the option's documented type: a long, a char*, a void*,
 * a struct curl_slist*, a curl_off_t, or a data callback.
 */

#include <curl/curl.h>

/* Options taking a long (flags, timeouts in ms, CURLUSESSL_*, sizes). */
static inline CURLcode klaxon_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/* Options taking a curl_off_t (CURLOPT_*_LARGE sizes). */
static inline CURLcode klaxon_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/* Options taking a char*. libcurl copies these strings (except
 * CURLOPT_POSTFIELDS, which is therefore not set through this wrapper). */
static inline CURLcode klaxon_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/* Options taking an opaque pointer kept by libcurl (READDATA, WRITEDATA,
 * HEADERDATA, ERRORBUFFER, COPYPOSTFIELDS). */
static inline CURLcode klaxon_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/* Options taking a list (MAIL_RCPT, HTTPHEADER). libcurl does NOT copy the
 * list: it must outlive the transfer. */
static inline CURLcode klaxon_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/* READFUNCTION, WRITEFUNCTION and HEADERFUNCTION share this shape. */
typedef size_t (*klaxon_curl_data_callback)(char *buffer, size_t size, size_t nitems, void *userdata);

static inline CURLcode klaxon_curl_setopt_callback(CURL *handle, CURLoption option, klaxon_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

/* CURLINFO_RESPONSE_CODE and other long-valued infos. */
static inline CURLcode klaxon_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* CURLINFO_RETRY_AFTER and other curl_off_t-valued infos. */
static inline CURLcode klaxon_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* The flag macros are built from shifts and casts that Swift does not import
 * reliably; these spell out the values Klaxon needs. */
static inline long klaxon_curl_global_default_flags(void) { return CURL_GLOBAL_DEFAULT; }
static inline size_t klaxon_curl_error_size(void) { return CURL_ERROR_SIZE; }
static inline size_t klaxon_curl_readfunc_abort(void) { return CURL_READFUNC_ABORT; }

#endif /* KLAXON_CURL_SHIM_H */
