// Preloaded into a child that may end itself with SIGKILL. tap records a process's coverage on its
// 'exit' event, which SIGKILL never gives: it is given here first, so the code that chose to kill
// is counted.
const kill = process.kill.bind(process);
process.kill = (pid: number, signal?: string | number): true => {
  if (pid === process.pid && signal === 'SIGKILL') process.emit('exit', 137);
  return kill(pid, signal);
};
