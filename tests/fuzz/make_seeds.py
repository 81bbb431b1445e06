#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

The seeds are small, hand-made, Workfront-like inputs.  The committed
corpus started as what this script writes; `make fuzz-cmin` then replaced it
with the coverage-minimal set of these seeds plus what `make fuzz` found, so
running this script again only adds its seeds back (run fuzz-cmin after).
Input formats are described at the top of each fuzz_*.c file.
"""
import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

WF_TASKS = (b'{"data":[{"ID":"5c1a2b3c4d5e6f708192a3b4c5d6e7f8","name":"Plan \\"Q3\\" \\\\ review",'
            b'"objCode":"TASK","status":"CUR","percentComplete":42.5,"plannedHours":8,'
            b'"assignedTo":{"ID":"4c76ed7a0000054c172b2c2d9f7f81c3","name":"Ann \\u00c5ngstr\\u00f6m","objCode":"USER"},'
            b'"DE:Budget Code":"B-17","isReady":true,"description":null},'
            b'{"ID":"5c1a2b3c4d5e6f708192a3b4c5d6e7f9","name":"\\u65e5\\u672c\\u8a9e \\ud83d\\ude80 emoji",'
            b'"objCode":"TASK","status":"NEW","percentComplete":0,"tags":[]}]}')
WF_ERROR = (b'{"error":{"class":"com.attask.common.AuthenticationException",'
            b'"message":"You are not currently logged in","title":"","msgKey":"exception.notloggedin","code":7}}')
WF_LOGIN = (b'{"data":{"userID":"4c76ed7a0000054c172b2c2d9f7f81c3","sessionID":"b7a1c0ffee0000000000000000000001",'
            b'"versionInformation":{"currentAPIVersion":"22.0","lastUpdated":"2025/05/20"}}}')
WF_COUNT = b'{"data":{"count":2500}}'


def http(status, body, headers=(), chunks=None, reason=b"OK", version=b"HTTP/1.1"):
    head = version + b" " + str(status).encode() + b" " + reason + b"\r\n"
    for h in headers:
        head += h + b"\r\n"
    if chunks is not None:
        head += b"Transfer-Encoding: chunked\r\n\r\n"
        out = head
        pos = 0
        for i, size in enumerate(chunks):
            part = body[pos:pos + size]
            pos += size
            ext = b";ext=%d" % i if i % 2 else b""
            out += b"%x%s\r\n%s\r\n" % (len(part), ext, part)
        if pos < len(body):
            out += b"%x\r\n%s\r\n" % (len(body) - pos, body[pos:])
        return out + b"0\r\nX-Trailer: done\r\n\r\n"
    has_len = any(h.lower().startswith(b"content-length") for h in headers)
    if not has_len:  # Connection: close responses get a length too; close-delimited ones are written by hand
        head += b"Content-Length: %d\r\n" % len(body)
    return head + b"\r\n" + body


HTTP_SEEDS = [
    http(200, WF_TASKS, [b"Content-Type: application/json;charset=UTF-8"]),
    http(200, WF_TASKS, [b"Content-Type: application/json"], chunks=[16, 40, 1, 100]),
    http(200, WF_ERROR, [b"Content-Type: application/json"]),
    http(401, WF_ERROR, [b"Content-Type: application/json", b"Connection: close"]),
    http(200, WF_LOGIN, [b"content-length:   %d  " % len(WF_LOGIN)]),
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + http(201, WF_COUNT),
    http(204, b"", [b"Content-Length: 0"], reason=b"No Content"),
    b"HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n",
    b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + WF_COUNT,
    b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n{}",
    b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + WF_TASKS,
    b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nbusy",
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 99\r\n\r\n2\r\nok\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 ; a=b\r\nhello\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\nContent-Length: 2\n\nlf",
    b"\r\nHTTP/1.1 200 OK\r\nX-Folded: a\r\n  continued\r\nContent-Length: 2\r\n\r\n[]",
    b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 19\r\n\r\n<html>oops</html>\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]",
    http(200, WF_COUNT) + http(200, WF_LOGIN, chunks=[3, 3]),
]

JSON_SEEDS = [
    WF_TASKS, WF_ERROR, WF_LOGIN, WF_COUNT,
    b'{"error":"plain text error"}',
    b'{"error":{"class":"java.lang.IllegalArgumentException","message":"limit \\u003e 2000","code":12.0}}',
    b'{"data":{"result":"apikey0123"},"error":null}',
    b'{"data":[]}', b'[1,2,3]', b'"str"', b'null', b'{}',
    b'{"e":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\\u2028\\u2029"}',
    b'{"surrogates":"\\ud83d\\ude80\\uD834\\uDD1E","raw":"\xf0\x9f\x9a\x80\xe6\x97\xa5\xc3\xa9"}',
    b'{"lone":"\\ud83d"}', b'{"low":"\\ude00"}', b'{"bad":"\\x"}', b'{"ctl":"a\x01b"}',
    b'{"n":[0,-0,1e5,-2.5E-3,9223372036854775807,-9223372036854775808,9223372036854775808,1e300,3.0,1.5]}',
    b'{"k\\u0041y":1,"kAy":2,"DE:Field: x":{"a":[{"b":true}]}}',
    b'[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
    b'{"a" "b"}', b'[1,]', b'{"a":1}{"b":2}', b'  {"a" : [ true , false , null ] }  \n',
    b'{"' + b'\\u0041' * 120 + b'":"long escaped key"}',
]

# fuzz_url: byte 0 = flags, then NUL-separated fields (see fuzz_url.c)
def url_seed(flags, *fields):
    return bytes([flags]) + b"\0".join(f.encode() if isinstance(f, str) else f for f in fields)


URL_SEEDS = [
    url_seed(0x01, "https://acme.my.workfront.com"),
    url_seed(0x01 | 0x10, "http://127.0.0.1:8080/", "", "", "", "15.0"),
    url_seed(0x01 | 0x10, "http://[::1]:8080", "", "", "", "v19.0"),
    url_seed(0x01 | 0x10, "http://127.0.0.1:8080", "", "", "", "unsupported"),
    url_seed(0x01, "https://x.example/attask/api/v9.0"),
    url_seed(0x02, "", "acme"),
    url_seed(0x02, "", "acme.my.workfront.adobe.com"),
    url_seed(0x02 | 0x04 | 0x10, "", "acme", "ondemand", "", "unsupported"),
    url_seed(0x02 | 0x04 | 0x10, "", "acme", "sandbox", "", "v4.0"),
    url_seed(0x02 | 0x04 | 0x08 | 0x10, "", "acme", "{protocol}://{domain}.preview.workfront.com/attask/api/{api_version}", "http", "22.0"),
    url_seed(0x01, "ftp://x"),
    url_seed(0x01, "https://user:pw@x.example"),
    url_seed(0x01, "https://x.example:99999"),
    url_seed(0x01, "https://x.example/?q=1"),
    url_seed(0x02, "", "bad domain"),
    url_seed(0x01 | 0x10, "https://x.example", "", "", "", "v1/../../x"),
    url_seed(0x01 | 0x20, "https://acme.my.workfront.com", "", "", "", "", "http://user:secret@proxy.example:3128"),
    url_seed(0x01 | 0x20, "https://acme.my.workfront.com", "", "", "", "", "proxy.example"),
    url_seed(0x01 | 0x40, "http://h.example", "", "", "", "", "", ".example.com, h.example,*", "h.example"),
]

# fuzz_query: byte 0 = fixed buffer size / 2; then per call: op byte,
# two NUL-terminated strings, op-specific bytes (see fuzz_query.c)
def q(op, s0=b"", s1=b"", extra=b""):
    return bytes([op]) + s0 + b"\0" + s1 + b"\0" + extra


QUERY_SEEDS = [
    b"\x40" + q(0, b"name", b"a b&c=d+e%f#g?h/i:j$k,l*m@n~o") + q(0, b"OR:1:DE:Field Name", "\u65e5\U0001f680".encode()),
    b"\x10" + q(3, b"name,assignedTo:name") + q(4, extra=b"\x64\x00\x05\x00") + q(5, b"name", b"plan & do", b"\x08\x00"),
    b"\x80" + q(6, b"priority", b"1", b"\x10" + b"3\0") + q(7, b"status", extra=b"\x14\x03NEW\0IN PROGRESS\0a&b\0"),
    b"\xff" + q(8, extra=b"\x01") + q(5, b"assignedTo:name", b"Ann", b"\x00\x00") + q(9, b"name", extra=b"\x02") + q(8, extra=b"\x00") + q(10),
    b"\x30" + q(11, b"project:name") + q(12, b"hours", b"sum") + q(13, b'{"name":"x","name_Mod":"contains"}') + q(15, extra=b"\x03a\x00b"),
    b"\x08" + q(14, b"k=v&k2=v%202") + q(2, b"$$LIMIT=5=x") + q(1, b"$$FIRST", extra=b"\xff\xff\x01"),
    b"\x02" + q(0, b"k", b"v") + q(0, b"longer", b"value"),
    b"\x40" + q(5, b"description", b"", b"\x18\x00") + q(5, b"a::b", b"x", b"\x00\x00") + q(0, b"", b"x"),
]

# fuzz_updates: byte 0 = fixed buffer size / 2; then per call: op byte and
# its arguments (see fuzz_updates.c)
UPDATES_SEEDS = [
    b"\x40" + b"\x04name\0" + b"\x05" + "q\"b\\s/\u2028\u65e5\U0001f680".encode() + b"\0" + b"\x0en\0\x2a\x00",
    b"\xff" + b"\x04assignments\0\x02\x00\x0dassignedToID\0u1\0\x01\x0c{\"roleID\":\"r1\"}\0\x03",
    b"\x08" + b"\x0dname\0a long value that does not fit\0",
    b"\x40" + b"\x02\x02\x02\x0b\x0a\x01\x0912345.6789\0\x03\x03\x03",
    b"\x80" + b"\x06\x05a\x00\x01\x1fb" + b"\x07\x80\x00\x00\x00\x00\x00\x00\x00" + b"\x08\x9a\x99\x99\x99\x99\x99\xb9\x3f",
    b"\x80" + b"\x0fz\0\x04bad\0\x05\xff\xfe\0",
]

# fuzz_client: see fuzz_client.c; byte 0 = operation, byte 1 = recv step, rest = server bytes
def client_seed(op, step, *responses):
    return bytes([op, step]) + b"".join(responses)


CLIENT_SEEDS = [
    client_seed(0, 0, http(200, WF_TASKS)),
    client_seed(0, 1, http(200, WF_TASKS, chunks=[5, 7, 100])),
    client_seed(1, 3, http(200, WF_TASKS[:200] + b"]}")),
    client_seed(2, 0, http(200, WF_LOGIN), http(200, WF_TASKS)),
    client_seed(3, 0, http(200, b'{"data":{"ID":"5c1a2b3c4d5e6f708192a3b4c5d6e7f8","name":"new"}}')),
    client_seed(4, 2, http(200, b'{"data":[{"ID":"a1"},{"ID":"a2"}]}'), http(200, b'{"data":[{"ID":"a3"}]}')),
    client_seed(5, 0, http(200, WF_COUNT)),
    client_seed(6, 0, http(200, b'{"data":[{"ID":"1"},{"ID":"2"}]}'), http(200, b'{"data":[{"ID":"3"}]}')),
    client_seed(0, 0, http(200, WF_ERROR)),
    client_seed(0, 0, http(401, WF_ERROR), http(200, WF_LOGIN), http(200, WF_TASKS)),
    client_seed(0, 0, b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 19\r\n\r\n<html>oops</html>\r\n"),
    client_seed(0, 0, b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00"),
    client_seed(7, 0, http(200, b'{"data":{"ID":"5c1a2b3c4d5e6f708192a3b4c5d6e7f8","name":"x","status":"NEW"}}'),
                http(200, b'{"data":{"ID":"5c1a2b3c4d5e6f708192a3b4c5d6e7f8","name":"y","status":"NEW"}}')),
    client_seed(8, 0, http(200, b'{"data":[{"ID":"1"},{"error":"x"}]}')),
]


def write(target, seeds):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    for s in seeds:
        name = "seed-" + hashlib.sha1(s).hexdigest()[:16]
        with open(os.path.join(d, name), "wb") as f:
            f.write(s)
    print(f"{target}: {len(seeds)} seeds in {os.path.relpath(d)}")


def main():
    # fuzz_http: byte 0 = flags (bit 0 HEAD, bits 1-2 body limit, all: split point)
    flags = [0x00, 0x80, 0x40, 0xc0, 0x20, 0xa0, 0x04, 0x61]
    write("fuzz_http", [bytes([flags[i % len(flags)]]) + s for i, s in enumerate(HTTP_SEEDS)]
          + [b"\x01" + HTTP_SEEDS[0], b"\x03" + HTTP_SEEDS[1]])
    write("fuzz_json", JSON_SEEDS)
    write("fuzz_url", URL_SEEDS)
    write("fuzz_query", QUERY_SEEDS)
    write("fuzz_updates", UPDATES_SEEDS)
    write("fuzz_client", CLIENT_SEEDS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
