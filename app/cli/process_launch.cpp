// posix_spawn of this program for the ranks of `train --nproc N`.
#include "process_launch.h"

#include <arpa/inet.h>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace tokenbench::cli {

int freeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error(std::string("cannot open a socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(fd);
    if (!ok) throw std::runtime_error(std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(errno));
    return ntohs(address.sin_port);
}

pid_t startSelf(const std::vector<std::string>& args) {
    std::vector<std::string> argvStrings;
    argvStrings.emplace_back("/proc/self/exe");
    argvStrings.insert(argvStrings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : argvStrings) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error(std::string("cannot start a training rank: ") + std::strerror(rc));
    return pid;
}

std::vector<std::string> reapRanks(const std::vector<pid_t>& pids, int firstRank, bool stop) {
    std::vector<std::string> failures;
    if (stop)
        for (const pid_t pid : pids) ::kill(pid, SIGTERM);
    for (size_t i = 0; i < pids.size(); ++i) {
        int status = 0;
        while (::waitpid(pids[i], &status, 0) < 0 && errno == EINTR) {
        }
        const std::string who = "rank " + std::to_string(firstRank + static_cast<int>(i)) + " (pid " +
                                std::to_string(pids[i]) + ")";
        if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
            failures.push_back(who + " exited with " + std::to_string(WEXITSTATUS(status)));
        else if (WIFSIGNALED(status) && !(stop && WTERMSIG(status) == SIGTERM))
            failures.push_back(who + " was killed by signal " + std::to_string(WTERMSIG(status)));
    }
    return failures;
}

}  // namespace tokenbench::cli
