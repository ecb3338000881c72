/*
 * LD_PRELOAD shim used by scripts/infra/rocketmq.sh: every bind() to the wildcard address is turned
 * into a bind() to loopback, so a process started with it never listens on an outside interface.
 *
 *   0.0.0.0          -> 127.0.0.1
 *   ::               -> ::ffff:127.0.0.1   (dual-stack socket: accepts IPv4 loopback only)
 *   :: on a socket with IPV6_V6ONLY set -> ::1
 *
 * The port and every other field are kept; any other address is passed through untouched.
 *
 * Why: three RocketMQ 5.3.3 listeners ignore every bind setting and listen on 0.0.0.0 -- the proxy's
 * gRPC port (GrpcServerBuilder uses NettyServerBuilder.forPort(port)), the proxy's remoting port
 * (RemotingProtocolServer uses a default NettyServerConfig, bindAddress 0.0.0.0) and the broker's HA
 * port (DefaultHAService binds new InetSocketAddress(haListenPort)).
 *
 * Build (rocketmq.sh does this into its cache dir on first use):
 *   gcc -shared -fPIC -O2 -Wall -o bind_loopback.so bind_loopback.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*bind_fn)(int, const struct sockaddr *, socklen_t);

static bind_fn real_bind;

__attribute__((constructor)) static void bind_loopback_init(void) {
    real_bind = (bind_fn) dlsym(RTLD_NEXT, "bind");
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    bind_fn next = __atomic_load_n(&real_bind, __ATOMIC_ACQUIRE);
    if (!next) {
        next = (bind_fn) dlsym(RTLD_NEXT, "bind");
        if (!next) {
            errno = ENOSYS;
            return -1;
        }
        __atomic_store_n(&real_bind, next, __ATOMIC_RELEASE);
    }

    if (addr && addr->sa_family == AF_INET && len >= (socklen_t) sizeof(struct sockaddr_in)) {
        struct sockaddr_in a;
        memcpy(&a, addr, sizeof a);
        if (a.sin_addr.s_addr == htonl(INADDR_ANY)) {
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            return next(fd, (const struct sockaddr *) &a, sizeof a);
        }
    } else if (addr && addr->sa_family == AF_INET6 && len >= (socklen_t) sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 a;
        memcpy(&a, addr, sizeof a);
        if (IN6_IS_ADDR_UNSPECIFIED(&a.sin6_addr)) {
            int v6only = 0;
            socklen_t optlen = sizeof v6only;
            if (getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &optlen) == 0 && v6only) {
                a.sin6_addr = in6addr_loopback;
            } else {
                memset(&a.sin6_addr, 0, sizeof a.sin6_addr);
                a.sin6_addr.s6_addr[10] = 0xff;
                a.sin6_addr.s6_addr[11] = 0xff;
                a.sin6_addr.s6_addr[12] = 127;
                a.sin6_addr.s6_addr[15] = 1;
            }
            return next(fd, (const struct sockaddr *) &a, sizeof a);
        }
    }
    return next(fd, addr, len);
}
