# Sourced by scripts/build-openssl and scripts/build-libcurl: fetch, verify, unpack and patch a Debian source package.
#
# The release binary links OpenSSL and libcurl built from Debian's own source packages (bookworm, bookworm-updates,
# bookworm-security), so it carries Debian's security back-ports. The source is fetched with a private apt directory
# (.build-debian-src/apt): the machine's sources lists and apt state are neither used nor changed. apt checks the .dsc
# against the signed Sources index; debian_source_fetch checks every other file against the .dsc.

debian_source_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.build-debian-src"
debian_source_apt_dir="$debian_source_root/apt"

# apt-get/apt-cache options that point apt at the private deb-src state only.
debian_source_apt_opts() {
    printf '%s\n' -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$debian_source_apt_dir" \
        -o "Dir::State::Lists=$debian_source_apt_dir/lists" -o "Dir::Cache=$debian_source_apt_dir/cache" \
        -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
}

# Writes the deb-src sources and refreshes the private index (once per hour at most).
debian_source_update() {
    mkdir -p "$debian_source_apt_dir/lists/partial" "$debian_source_apt_dir/cache/archives/partial"
    cat > "$debian_source_apt_dir/deb-src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    local stamp=$debian_source_apt_dir/updated
    if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
        local opts; mapfile -t opts < <(debian_source_apt_opts)
        apt-get "${opts[@]}" -q update >&2 && touch "$stamp"
    fi
}

# debian_source_fetch PACKAGE PREFERRED_VERSION DEST
#
# Downloads PACKAGE's source into DEST/dl, trying PREFERRED_VERSION first (may be empty), then every version the index
# lists, newest first, until one downloads completely and matches its .dsc checksums. Unpacks the orig tarball and
# the debian/ tarball into DEST/src and prints two lines: the Debian version used and the unpacked source directory.
# Patches are not applied (see debian_source_patch). Fails when no version can be fetched and verified.
debian_source_fetch() {
    local package=$1 preferred=$2 dest=$3
    debian_source_update
    local opts; mapfile -t opts < <(debian_source_apt_opts)
    local versions; mapfile -t versions < <(
        { [ -n "$preferred" ] && echo "$preferred"
          apt-cache "${opts[@]}" showsrc "$package" 2>/dev/null | awk '/^Version:/ {print $2}' | sort -rV; } \
            | awk '!seen[$0]++')
    local version dsc dl=$dest/dl
    mkdir -p "$dl"
    for version in "${versions[@]}"; do
        dsc=$dl/${package}_${version#*:}.dsc
        if [ ! -f "$dsc" ]; then
            # The .asc (upstream signature) may fail to download or verify; the .dsc checksums are what we rely on.
            (cd "$dl" && apt-get "${opts[@]}" -q source --download-only "$package=$version" >&2) || true
        fi
        [ -f "$dsc" ] || { echo "debian-source: $package $version could not be downloaded" >&2; continue; }
        awk '/^Checksums-Sha256:/ {s=1; next} /^[^ ]/ {s=0} s && NF==3 {print $1 "  " $3}' "$dsc" \
            | grep -v '\.asc$' > "$dl/$package-$version.sha256"
        if ! grep -q 'orig\.tar' "$dl/$package-$version.sha256" \
            || ! (cd "$dl" && sha256sum --quiet -c "$package-$version.sha256" >&2 2>/dev/null); then
            echo "debian-source: $package $version: files missing or not matching $dsc" >&2
            rm -f "$dsc"
            continue
        fi
        local orig debian_tar upstream=${version#*:}
        upstream=${upstream%-*}
        orig=$dl/$(awk '$2 ~ /orig\.tar\.(gz|xz|bz2)$/ {print $2}' "$dl/$package-$version.sha256")
        debian_tar=$dl/$(awk '$2 ~ /debian\.tar\.(gz|xz|bz2)$/ {print $2}' "$dl/$package-$version.sha256")
        rm -rf "$dest/src"
        mkdir -p "$dest/src"
        tar -xf "$orig" -C "$dest/src"
        local src=$dest/src/$package-$upstream
        [ -d "$src" ] || { echo "debian-source: $orig did not unpack to $src" >&2; return 1; }
        tar -xf "$debian_tar" -C "$src"
        echo "$version"
        echo "$src"
        return 0
    done
    echo "debian-source: no version of $package could be fetched and verified (tried: ${versions[*]:-none})" >&2
    return 1
}

# debian_source_patch SRC [SKIPPED_PATCH...]
#
# Applies every patch of SRC/debian/patches/series in order, except the named ones. Prints the count applied.
debian_source_patch() {
    local src=$1; shift
    local p skip applied=0
    while read -r p; do
        case "$p" in ''|'#'*) continue ;; esac
        for skip in "$@"; do [ "$p" = "$skip" ] && continue 2; done
        patch -d "$src" -p1 -s --forward --no-backup-if-mismatch < "$src/debian/patches/$p" \
            || { echo "debian-source: patch $p failed" >&2; return 1; }
        applied=$((applied + 1))
    done < "$src/debian/patches/series"
    echo "$applied"
}
