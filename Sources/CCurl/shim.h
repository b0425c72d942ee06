// Typed wrappers around libcurl's variadic functions, which Swift cannot call directly.
// Each wrapper fixes the C type of the value libcurl reads for that class of option
// (long, pointer, curl_off_t, callback), so a Swift Int can never reach a `long` slot by accident.
#ifndef PID_MODE_RULE_CCURL_SHIM_H
#define PID_MODE_RULE_CCURL_SHIM_H

#include <curl/curl.h>
#include <nss.h>

// Process-wide set-up before the first handle: host-name lookups use /etc/hosts, then DNS, whatever the hosts line
// of /etc/nsswitch.conf says. The release binary is a static executable: a static glibc can only reach NSS services
// other than "files" and "dns" (e.g. myhostname, resolve) by dlopen()ing the host's libnss_*.so, which brings a second
// libc into the process and was seen to crash it. A failure of the override leaves glibc's default, so it is ignored.
static inline CURLcode pmr_curl_global_init(void) {
    (void)__nss_configure_lookup("hosts", "files dns");
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

static inline CURLcode pmr_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode pmr_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode pmr_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode pmr_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode pmr_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode pmr_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode pmr_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
