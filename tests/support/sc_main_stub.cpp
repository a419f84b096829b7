// libsystemc references sc_main; in tests Boost.Test owns main() and each test
// case runs its own simulation, so this is never called.
extern "C" int sc_main(int, char*[]) { return 0; }
