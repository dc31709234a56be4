/* sock.c - sock_accept, sock_recv, sock_send and sock_shutdown on a
 * listening socket the supervisor preopened (`wsbx run --tcplisten`, the
 * fd after the --dir ones: 4 here). Serves one connection: reads a line,
 * answers it upper-cased with "ECHO " in front, shuts the write side down,
 * and checks the error paths on the way (and a RECV_PEEK). run.sh is the
 * client. */
#define PROG "sock"
#include <string.h>
#include <wasi/api.h>

#include "check.h"

#define LISTENER 4

int main(void)
{
        __wasi_fd_t c = 0;
        /* Rights and kinds: the listener accepts; a directory does not. */
        CHECK(__wasi_sock_accept(3, 0, &c) == __WASI_ERRNO_NOTSOCK);
        CHECK(__wasi_sock_accept(99, 0, &c) == __WASI_ERRNO_BADF);
        CHECK(__wasi_sock_accept(LISTENER, 0x10, &c) == __WASI_ERRNO_INVAL);
        __wasi_fdstat_t st;
        CHECK(__wasi_fd_fdstat_get(LISTENER, &st) == 0);
        CHECK(st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM);
        CHECK(st.fs_rights_base & __WASI_RIGHTS_SOCK_ACCEPT);
        CHECK(__wasi_sock_accept(LISTENER, 0, &c) == 0);
        CHECK(c > LISTENER);
        CHECK(__wasi_fd_fdstat_get(c, &st) == 0);
        CHECK(!(st.fs_rights_base & __WASI_RIGHTS_SOCK_ACCEPT));
        CHECK(st.fs_rights_base & __WASI_RIGHTS_SOCK_SHUTDOWN);
        /* A connection cannot accept, nor seek. */
        __wasi_fd_t c2;
        CHECK(__wasi_sock_accept(c, 0, &c2) == __WASI_ERRNO_NOTCAPABLE);
        __wasi_filesize_t pos;
        CHECK(__wasi_fd_seek(c, 0, __WASI_WHENCE_CUR, &pos) == __WASI_ERRNO_NOTCAPABLE);

        /* A peek leaves the bytes for the next read; unknown flags fail. */
        char pk[4];
        __wasi_iovec_t piov = {(uint8_t *)pk, sizeof pk};
        __wasi_size_t pn = 0;
        __wasi_roflags_t prf;
        CHECK(__wasi_sock_recv(c, &piov, 1, 0x10, &pn, &prf) == __WASI_ERRNO_INVAL);
        CHECK(__wasi_sock_recv(c, &piov, 1, __WASI_RIFLAGS_RECV_PEEK, &pn, &prf) == 0);
        CHECK(pn >= 1 && pk[0] == 'h');

        char line[128];
        size_t got = 0;
        while (got < sizeof line - 1 && (got == 0 || line[got - 1] != '\n')) {
                __wasi_iovec_t iov = {(uint8_t *)line + got, sizeof line - 1 - got};
                __wasi_size_t n = 0;
                __wasi_roflags_t rf;
                CHECK(__wasi_sock_recv(c, &iov, 1, 0, &n, &rf) == 0);
                if (n == 0)
                        break;
                got += n;
        }
        CHECK(got > 0 && line[0] == 'h');
        char out[160] = "ECHO ";
        for (size_t i = 0; i < got; i++)
                out[5 + i] = line[i] >= 'a' && line[i] <= 'z' ? (char)(line[i] - 32) : line[i];
        __wasi_ciovec_t ov = {(const uint8_t *)out, 5 + got};
        __wasi_size_t sent = 0;
        CHECK(__wasi_sock_send(c, &ov, 1, 0, &sent) == 0);
        CHECK(sent == 5 + got);
        /* fd_write works on a connection too. */
        __wasi_ciovec_t bye = {(const uint8_t *)"BYE\n", 4};
        CHECK(__wasi_fd_write(c, &bye, 1, &sent) == 0 && sent == 4);
        CHECK(__wasi_sock_shutdown(c, 0) == __WASI_ERRNO_INVAL);
        CHECK(__wasi_sock_shutdown(c, __WASI_SDFLAGS_WR) == 0);
        CHECK(__wasi_fd_close(c) == 0);
        CHECK(__wasi_sock_shutdown(c, __WASI_SDFLAGS_WR) == __WASI_ERRNO_BADF);
        return done("sock ok\n");
}
