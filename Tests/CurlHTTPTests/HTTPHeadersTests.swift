import CurlHTTP
import Testing

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    @Test("the dictionary literal keeps order, casing and duplicates")
    func literalOrder() {
        let headers: HTTPHeaders = ["X-B": "2", "x-a": "1", "X-B": "3"]
        #expect(headers.fields.map(\.name) == ["X-B", "x-a", "X-B"])
        #expect(headers.fields.map(\.value) == ["2", "1", "3"])
        #expect(Array(headers).count == 3)
    }

    @Test("subscript lookup ignores case and returns the first field")
    func subscriptLookup() {
        let headers: HTTPHeaders = ["Content-Type": "application/json", "content-type": "text/plain"]
        #expect(headers["content-type"] == "application/json")
        #expect(headers["CONTENT-TYPE"] == "application/json")
        #expect(headers["Content-Length"] == nil)
        #expect(headers["Content-Typ"] == nil)
        #expect(headers["Content-Type "] == nil)
    }

    @Test("values(for:) collects every matching field in order, any casing")
    func valuesForName() {
        let headers: HTTPHeaders = ["Set-Cookie": "a=1", "X-Other": "x", "set-cookie": "b=2", "SET-COOKIE": "c=3"]
        #expect(headers.values(for: "Set-Cookie") == ["a=1", "b=2", "c=3"])
        #expect(headers.values(for: "sEt-CoOkIe") == ["a=1", "b=2", "c=3"])
        #expect(headers.values(for: "Cookie").isEmpty)
    }

    @Test("replace removes every field of that name in any casing and leaves one")
    func replaceIsCaseInsensitive() {
        var headers: HTTPHeaders = ["X-Amz-Date": "old1", "Host": "h", "x-amz-date": "old2"]
        headers.replace(name: "X-AMZ-DATE", value: "new")
        #expect(headers.values(for: "x-amz-date") == ["new"])
        #expect(headers["Host"] == "h")
        #expect(headers.fields.count == 2)
    }

    @Test("replace adds the field when it is absent")
    func replaceAdds() {
        var headers = HTTPHeaders()
        headers.replace(name: "Authorization", value: "v")
        #expect(headers.fields == [HTTPHeaders.Field(name: "Authorization", value: "v")])
    }

    @Test("remove drops every field of that name in any casing, and nothing else")
    func removeIsCaseInsensitive() {
        var headers: HTTPHeaders = ["Expect": "100-continue", "Accept": "*/*", "EXPECT": "x"]
        headers.remove(name: "expect")
        #expect(headers.fields == [HTTPHeaders.Field(name: "Accept", value: "*/*")])
        headers.remove(name: "missing")
        #expect(headers.fields.count == 1)
    }

    @Test("add keeps existing fields of the same name")
    func addKeepsDuplicates() {
        var headers: HTTPHeaders = ["Via": "1"]
        headers.add(name: "via", value: "2")
        #expect(headers.values(for: "VIA") == ["1", "2"])
    }

    @Test("namesMatch is ASCII case-insensitive only")
    func namesMatch() {
        #expect(HTTPHeaders.namesMatch("Content-Length", "content-length"))
        #expect(HTTPHeaders.namesMatch("X-1_2", "x-1_2"))
        #expect(!HTTPHeaders.namesMatch("X-A", "X-B"))
        #expect(!HTTPHeaders.namesMatch("X-A", "X-AA"))
        #expect(!HTTPHeaders.namesMatch("[", "{"))  // 0x5B vs 0x7B: only A–Z fold
        #expect(!HTTPHeaders.namesMatch("@", "`"))  // 0x40 vs 0x60
    }
}
