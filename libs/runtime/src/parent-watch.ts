/**
 * Preloaded (`node --require parent-watch.js`) into every child that {@link spawnNodeApp} starts: when the parent
 * (scripts/start.js) disappears without stopping its children, e.g. after a SIGKILL, the child sends itself SIGTERM
 * so its own shutdown hooks run, instead of living on as an orphan. Children run in their own process group (so a
 * terminal Ctrl-C reaches only the parent, which then stops them in order), hence this watch.
 */
const parentAtStart = process.ppid;
const timer = setInterval(() => {
  if (process.ppid === parentAtStart) return;
  clearInterval(timer);
  // Give shutdown hooks time to run, then make sure we are gone.
  setTimeout(() => process.exit(1), 20_000).unref();
  process.kill(process.pid, 'SIGTERM');
}, 1000);
timer.unref();
