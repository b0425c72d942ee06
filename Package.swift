// swift-tools-version:6.0
import PackageDescription

// Dependency direction (arrows = "imports"):
//   Bootstrap → LambdaRuntime, ConfigRule, CurlHTTP, StructuredLogging
//   LambdaRuntime → CurlHTTP, StructuredLogging
//   ConfigRule → AWSClient, StructuredLogging
//   AWSClient → SigV4, CurlHTTP, StructuredLogging
//   CurlHTTP → CCurl (libcurl)
//   SigV4 → Crypto (swift-crypto)
// LambdaRuntime and ConfigRule never import each other; only Bootstrap wires them.
let package = Package(
    name: "pid-mode-rule",
    products: [
        .executable(name: "bootstrap", targets: ["Bootstrap"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3")
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "CurlHTTP", dependencies: ["CCurl"]),
        .target(name: "StructuredLogging"),
        .target(name: "SigV4", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "AWSClient", dependencies: ["SigV4", "CurlHTTP", "StructuredLogging"]),
        .target(name: "ConfigRule", dependencies: ["AWSClient", "StructuredLogging"]),
        .target(name: "LambdaRuntime", dependencies: ["CurlHTTP", "StructuredLogging"]),
        .executableTarget(
            name: "Bootstrap",
            dependencies: ["LambdaRuntime", "ConfigRule", "AWSClient", "CurlHTTP", "StructuredLogging"]
        ),

        // Test support: a real HTTP/1.1 server on 127.0.0.1 (POSIX sockets), scripted per test.
        .target(name: "LoopbackHTTPServer", path: "Tests/LoopbackHTTPServer"),

        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "LoopbackHTTPServer"]),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"]),
        .testTarget(name: "AWSClientTests", dependencies: ["AWSClient", "CurlHTTP", "LoopbackHTTPServer"]),
        .testTarget(name: "ConfigRuleTests", dependencies: ["ConfigRule", "AWSClient", "LoopbackHTTPServer"]),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", "CurlHTTP", "LoopbackHTTPServer"]),
        .testTarget(name: "EndToEndTests", dependencies: ["CurlHTTP"]),
    ],
    swiftLanguageModes: [.v6]
)
