# Sourced by the test runners (sh) once they have set JM_SRCDIR, the top of the tree. Exports it
# and the programs configure found (config.mk: JM_PYTHON, JM_JQ, JM_CHROMIUM, JM_PG_BINDIR, ...)
# unless the environment already names them; nothing here installs anything.
#   jm_need VAR...   fails, naming the Debian package, when configure found no such program
: "${JM_SRCDIR:?set JM_SRCDIR before sourcing test-tools.sh}"
for jm_v in JM_PYTHON JM_JQ JM_VALGRIND JM_CLANG JM_CHROMIUM JM_PG_BINDIR JM_KCAT JM_JAVA JM_MVN; do
  eval "jm_val=\${$jm_v:-}"
  if [ -z "$jm_val" ] && [ -f "$JM_SRCDIR/config.mk" ]; then
    jm_val=$(sed -n "s/^$jm_v = //p" "$JM_SRCDIR/config.mk")
  fi
  eval "$jm_v=\$jm_val"
  export "$jm_v"
done
export JM_SRCDIR

jm_need() {
  for jm_v in "$@"; do
    eval "jm_val=\${$jm_v:-}"
    [ -n "$jm_val" ] && continue
    case $jm_v in
      JM_PYTHON) jm_p=python3 ;; JM_JQ) jm_p=jq ;; JM_VALGRIND) jm_p=valgrind ;;
      JM_CLANG) jm_p=clang ;; JM_CHROMIUM) jm_p=chromium ;; JM_PG_BINDIR) jm_p=postgresql ;;
      JM_KCAT) jm_p=kcat ;; JM_JAVA) jm_p=openjdk-17-jre-headless ;; JM_MVN) jm_p=maven ;;
    esac
    echo "${0##*/}: configure found no $jm_p ($jm_v in config.mk is empty): run make, which" \
      "installs the packages (build-aux/deps.sh), or apt-get install $jm_p and ./configure" >&2
    return 1
  done
}
