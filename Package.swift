// swift-tools-version:6.0
import PackageDescription

// Dependency direction (arrows = "imports"):
//   Bootstrap → LambdaRuntime, ConfigRule, DeployHook, AWSClient, CurlHTTP, StructuredLogging, Metrics
//   LambdaRuntime → CurlHTTP, StructuredLogging, JSON
//   ConfigRule → PidModePolicy, ExceptionsSource, AWSClient, StructuredLogging, JSON, Metrics
//   DeployHook → PidModePolicy, ExceptionsSource, AWSClient, StructuredLogging, JSON, Metrics (the hook front door)
//   ExceptionsSource → PidModePolicy, AWSClient (the exceptions registry read from SSM; shared by the front doors)
//   PidModePolicy → JSON, StructuredLogging (CivilTime) — the pure decision every front door calls
//   AWSClient → SigV4, CurlHTTP, StructuredLogging, JSON, Metrics
//   Metrics → JSON, StructuredLogging (the invocation's counts and their CloudWatch Embedded Metric Format lines)
//   StructuredLogging → JSON
//   CurlHTTP → CCurl (libcurl)
//   SigV4 → CCrypto (OpenSSL's libcrypto, already linked for TLS: one crypto library, no FoundationEssentials)
//   JSON → CJSONScan (a small RFC 8259 parser and writer; the shipped binary needs no Foundation JSON)
// LambdaRuntime, ConfigRule and DeployHook never import each other; only Bootstrap wires them.
let package = Package(
    name: "pid-mode-rule",
    products: [
        .executable(name: "bootstrap", targets: ["Bootstrap"]),
        // The pre-deploy checker (rule-semantics §10); never linked into `bootstrap` (scripts/check-linkage).
        .executable(name: "pidmode-check", targets: ["PidModeCheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "CurlHTTP", dependencies: ["CCurl"]),
        // SSE2 byte scans over JSON string content (the sweep reads ~5 KB of escaped JSON per item).
        .target(name: "CJSONScan"),
        .target(name: "JSON", dependencies: ["CJSONScan"]),
        .target(name: "StructuredLogging", dependencies: ["JSON"]),
        // No pkg-config: the release build must link the minimal static libcrypto that libcurl's flags point at
        // (scripts/build-openssl), debug builds Debian's; headers from libssl-dev (scripts/setup).
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "SigV4", dependencies: ["CCrypto"]),
        .target(name: "Metrics", dependencies: ["JSON", "StructuredLogging"]),
        .target(name: "AWSClient", dependencies: ["SigV4", "CurlHTTP", "StructuredLogging", "JSON", "Metrics"]),
        .target(name: "PidModePolicy", dependencies: ["JSON", "StructuredLogging"]),
        .target(name: "ExceptionsSource", dependencies: ["PidModePolicy", "AWSClient", "StructuredLogging", "JSON"]),
        .target(name: "ConfigRule", dependencies: ["PidModePolicy", "ExceptionsSource", "AWSClient", "StructuredLogging", "JSON", "Metrics"]),
        .target(
            name: "DeployHook", dependencies: ["PidModePolicy", "ExceptionsSource", "AWSClient", "StructuredLogging", "JSON", "Metrics"]
        ),
        .target(name: "LambdaRuntime", dependencies: ["CurlHTTP", "StructuredLogging", "JSON"]),
        .executableTarget(
            name: "Bootstrap",
            dependencies: [
                "LambdaRuntime", "ConfigRule", "DeployHook", "ExceptionsSource", "AWSClient", "CurlHTTP", "StructuredLogging", "JSON",
                "Metrics",
            ]
        ),

        // The `pidmode-check` command: readers for task-definition JSON, CloudFormation JSON/YAML, Terraform plan JSON
        // and HCL, the findings and their text/JSON/SARIF writers (IaCScan); argument parsing and exit status (PidModeCheck).
        .target(name: "IaCScan", dependencies: ["PidModePolicy", "JSON", .product(name: "Yams", package: "Yams")]),
        .executableTarget(
            name: "PidModeCheck",
            dependencies: [
                "IaCScan", "PidModePolicy", "JSON", "StructuredLogging", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Benchmark + fault-soak harness (scripts/bench, scripts/soak); not part of the `bootstrap` product.
        .executableTarget(name: "BenchHarness", dependencies: ["JSON", "SigV4", "StructuredLogging"], path: "Benchmarks/BenchHarness"),

        // Test support: a real HTTP/1.1 server on 127.0.0.1 (POSIX sockets), scripted per test.
        .target(name: "LoopbackHTTPServer", path: "Tests/LoopbackHTTPServer"),
        // Test support: the shared test data locator and byte helpers used by several suites.
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "LoopbackHTTPServer", "TestSupport"]),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4", "TestSupport"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "PidModePolicyTests", dependencies: ["PidModePolicy", "JSON"]),
        .testTarget(name: "DeployHookTests", dependencies: ["DeployHook", "PidModePolicy", "AWSClient", "StructuredLogging", "JSON", "Metrics"]),
        .testTarget(name: "StructuredLoggingTests", dependencies: ["StructuredLogging", "JSON"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "JSON", "TestSupport"]),
        .testTarget(name: "AWSClientTests", dependencies: ["AWSClient", "CurlHTTP", "LoopbackHTTPServer", "Metrics", "TestSupport"]),
        .testTarget(
            name: "ExceptionsSourceTests",
            dependencies: ["ExceptionsSource", "PidModePolicy", "AWSClient", "CurlHTTP", "StructuredLogging", "LoopbackHTTPServer"]
        ),
        .testTarget(
            name: "ConfigRuleTests",
            dependencies: [
                "ConfigRule", "PidModePolicy", "AWSClient", "CurlHTTP", "SigV4", "StructuredLogging", "JSON", "LoopbackHTTPServer",
                "TestSupport",
            ]
        ),
        .testTarget(
            name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", "CurlHTTP", "JSON", "LoopbackHTTPServer", "TestSupport"]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["CurlHTTP", "TestSupport"]),
        .testTarget(name: "IaCScanTests", dependencies: ["IaCScan", "PidModePolicy", "JSON", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
