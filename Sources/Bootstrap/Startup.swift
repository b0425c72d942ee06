import AWSClient
import ConfigRule
import CurlHTTP
import DeployHook
import ExceptionsSource
import LambdaRuntime
import Metrics
import StructuredLogging

/// Builds the rule's AWS side from the environment; every failure here is a start-up (init) error.
enum Startup {
    /// The error type reported to `/runtime/init/error` for unusable start-up configuration.
    static let initErrorType = "Runtime.InvalidConfiguration"

    /// Threads that read, evaluate and deliver pages of the periodic sweep while the main thread lists: at AWS
    /// latencies (list 100 ms, batch read 250 ms, put 100 ms) four keep up with the listing.
    static let sweepWorkerCount = 4

    /// Region, credentials, Config endpoint (SDK precedence) and a TLS-ready libcurl handle for it.
    /// - Throws: ``ErrorResponse`` naming the variable or component that failed.
    /// - Parameter exceptions: the registry reader shared with the deployment hook (``makeExceptionsReader(environment:)``).
    static func makeRuleHandler(
        environment: [String: String], logger: Logger, exceptions: ExceptionsReader
    ) throws(ErrorResponse) -> ConfigRuleHandler {
        do {
            let aws = try AWSEnvironment(environment: environment)
            let endpoint = try Endpoint.resolve(for: .config, region: aws.region, environment: environment)
            let caBundle = CABundle.resolve(environment: environment, fileExists: ProcessEnvironment.isReadable)
            let configSession = try session(for: endpoint, caBundle: caBundle)
            logger.debug("Config endpoint resolved", [
                "endpoint": .string(endpoint.url), "region": .string(aws.region),
                "caBundle": .string(caBundle ?? "libcurl default"),
            ])
            let client = AWSJSONClient(service: .config, endpoint: endpoint, environment: aws, session: configSession)
            // The periodic sweep's worker threads: one client (own kept-alive connection) each.
            var sweepWorkers: [ConfigService] = []
            for _ in 0..<sweepWorkerCount {
                guard let workerSession = try? session(for: endpoint, caBundle: caBundle) else {
                    break  // fewer workers only slows the sweep down
                }
                sweepWorkers.append(ConfigService(
                    client: AWSJSONClient(service: .config, endpoint: endpoint, environment: aws, session: workerSession)
                ))
            }
            // The sweep's clean-up pager: its own client too (paged concurrently with the listing).
            let cleanUpSession = try? session(for: endpoint, caBundle: caBundle)  // none: paged after the listing
            let sweepCleanUp = cleanUpSession.map {
                ConfigService(client: AWSJSONClient(service: .config, endpoint: endpoint, environment: aws, session: $0))
            }
            let stsEndpoint = try Endpoint.resolve(for: .sts, region: aws.region, environment: environment)
            let stsSession = try session(for: stsEndpoint, caBundle: caBundle)
            let roles = RoleCredentialsProvider(sts: STSClient(endpoint: stsEndpoint, environment: aws, session: stsSession))
            let ecsEndpoint = try Endpoint.resolve(for: .ecs, region: aws.region, environment: environment)
            let ecsSession = try session(for: ecsEndpoint, caBundle: caBundle)
            let ecs = ECSService(client: AWSJSONClient(service: .ecs, endpoint: ecsEndpoint, environment: aws, session: ecsSession))
            return ConfigRuleHandler(
                service: ConfigService(client: client), sweepWorkers: sweepWorkers, sweepCleanUp: sweepCleanUp, ecs: ecs,
                roles: roles, partition: aws.partition, exceptions: exceptions, region: aws.region
            )
        } catch {
            throw initError(error)
        }
    }

    /// The metric line writer, configured from `PIDMODE_METRICS_*` and `AWS_LAMBDA_FUNCTION_NAME`.
    /// - Throws: ``ErrorResponse`` naming the variable that is unusable.
    static func makeMetricsPublisher(environment: [String: String]) throws(ErrorResponse) -> MetricsPublisher {
        do {
            return MetricsPublisher(configuration: try MetricsConfiguration(environment: environment), clock: WallClock.nowMilliseconds)
        } catch {
            throw ErrorResponse(errorType: initErrorType, errorMessage: error.description)
        }
    }

    /// The function's exceptions registry parameter (rule-semantics §8, §9).
    static let exceptionsParameterVariable = "PIDMODE_EXCEPTIONS_PARAMETER"

    /// The exceptions registry reader (§8, §9), shared by the Config rule and the deployment hook: the SSM client
    /// signed with the function's own credentials and `PIDMODE_EXCEPTIONS_PARAMETER`. A rule may name a registry even
    /// when the variable is unset, so the client always exists (it connects only when used).
    /// - Throws: ``ErrorResponse`` naming the variable or component that is missing or broken.
    static func makeExceptionsReader(environment: [String: String]) throws(ErrorResponse) -> ExceptionsReader {
        do {
            let aws = try AWSEnvironment(environment: environment)
            let endpoint = try Endpoint.resolve(for: .ssm, region: aws.region, environment: environment)
            let caBundle = CABundle.resolve(environment: environment, fileExists: ProcessEnvironment.isReadable)
            let ssm = SSMClient(client: AWSJSONClient(
                service: .ssm, endpoint: endpoint, environment: aws, session: try session(for: endpoint, caBundle: caBundle)
            ))
            return ExceptionsReader(ssm: ssm, environmentParameterName: environment[exceptionsParameterVariable])
        } catch {
            throw initError(error)
        }
    }

    /// The deployment hook: the function's region (for exception matching) and the shared registry reader (used
    /// only with `PIDMODE_EXCEPTIONS_PARAMETER`, only for a verdict that would fail).
    /// - Throws: ``ErrorResponse`` naming the variable that is missing or broken.
    static func makeHookHandler(environment: [String: String], exceptions: ExceptionsReader) throws(ErrorResponse) -> HookHandler {
        do {
            return HookHandler(region: try AWSEnvironment(environment: environment).region, exceptions: exceptions)
        } catch {
            throw ErrorResponse(errorType: initErrorType, errorMessage: error.description)
        }
    }

    /// Any start-up failure as the init error document: an ``ErrorResponse`` as it is, an AWS configuration error by
    /// its description (it names the variable).
    private static func initError(_ error: any Error) -> ErrorResponse {
        switch error {
        case let response as ErrorResponse: return response
        case let aws as AWSClientError: return ErrorResponse(errorType: initErrorType, errorMessage: aws.description)
        default: return ErrorResponse(errorType: initErrorType, errorMessage: "\(error)")
        }
    }

    /// A kept-alive libcurl handle for one endpoint (the CA bundle only for HTTPS).
    private static func session(for endpoint: Endpoint, caBundle: String?) throws(ErrorResponse) -> CurlSession {
        do {
            return try CurlSession(caBundlePath: endpoint.url.hasPrefix("https://") ? caBundle : nil)
        } catch {
            throw ErrorResponse(errorType: initErrorType, errorMessage: "libcurl set-up failed: \(error)")
        }
    }
}
