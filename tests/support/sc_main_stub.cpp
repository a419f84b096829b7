// libsystemc references sc_main; Boost.Test owns main() in tests (libFuzzer
// in fuzz harnesses), so this is never called.
extern "C" int sc_main(int, char*[]) { return 0; }
