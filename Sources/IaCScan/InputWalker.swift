import Foundation

/// Expands the paths given on the command line into the files to scan.
///
/// A named file is always scanned, whatever its name. A directory is walked recursively (symbolic links to
/// directories are not followed), skipping `.git`, `node_modules`, `.terraform` and `cdk.out/asset.*`, and keeping
/// the files whose names say JSON, YAML, a template or Terraform (``candidateExtensions``): source code that merely
/// mentions a task definition is not an input.
public enum InputWalker {
    public static let skippedDirectories: Set<String> = [".git", "node_modules", ".terraform"]
    public static let candidateExtensions: Set<String> = ["json", "yaml", "yml", "template", "tf"]

    public struct Entry: Sendable, Equatable {
        /// The path to open.
        public var path: String
        /// The path to report: relative to the current directory when below it.
        public var displayPath: String
        /// Named on the command line (not found in a walk).
        public var named: Bool
    }

    /// The files under `paths`, in order (each directory's files sorted), or the paths that do not exist.
    public static func expand(_ paths: [String], currentDirectory: String = FileManager.default.currentDirectoryPath)
        -> (entries: [Entry], missing: [String])
    {
        var entries: [Entry] = []
        var missing: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            if !isDirectory.boolValue {
                entries.append(Entry(path: path, displayPath: displayPath(path, currentDirectory: currentDirectory), named: true))
                continue
            }
            var found: [String] = []
            walk(path, into: &found)
            entries += found.sorted().map { Entry(path: $0, displayPath: displayPath($0, currentDirectory: currentDirectory), named: false) }
        }
        return (entries, missing)
    }

    private static func walk(_ directory: String, into found: inout [String]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let isCDKOut = (directory as NSString).lastPathComponent == "cdk.out"
        for name in names {
            if skippedDirectories.contains(name) || (isCDKOut && name.hasPrefix("asset.")) { continue }
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let type = attributes[.type] as? FileAttributeType else { continue }
            if type == .typeDirectory {
                walk(path, into: &found)
            } else if type == .typeRegular || type == .typeSymbolicLink {
                let fileExtension = (name as NSString).pathExtension.lowercased()
                if candidateExtensions.contains(fileExtension) { found.append(path) }
            }
        }
    }

    /// `path` relative to `currentDirectory` when it lies below it, without a leading `./`.
    public static func displayPath(_ path: String, currentDirectory: String) -> String {
        var path = path
        while path.hasPrefix("./") { path.removeFirst(2) }
        let base = currentDirectory.hasSuffix("/") ? currentDirectory : currentDirectory + "/"
        if path.hasPrefix(base) { return String(path.dropFirst(base.count)) }
        return path
    }
}
