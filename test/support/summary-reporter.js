'use strict';
/**
 * Jest reporter (listed after 'default' in jest.config.js) that prints ONE summary line as the very last line of
 * the run, for humans and for .ci/run:
 *
 *   N passed, M failed[, K skipped]
 *
 * N = passed tests; M = failed tests + test suites that failed to run (a suite that does not even compile or whose
 * afterAll hook throws has no failed *tests*, so it is counted here: a broken suite never looks green);
 * ", K skipped" (pending + todo tests) only when K > 0.
 */
class SummaryReporter {
  constructor(globalConfig, reporterOptions) {
    this.globalConfig = globalConfig;
    this.options = reporterOptions || {};
  }

  static summaryLine(results) {
    const passed = results.numPassedTests || 0;
    // numRuntimeErrorTestSuites counts suites that did not run; also count any other suite that failed without a
    // failing test (e.g. an afterAll error), each once.
    const brokenSuites = (results.testResults || []).filter(
      (suite) => (suite.numFailingTests || 0) === 0 && (suite.testExecError || suite.failureMessage),
    ).length;
    const failed = (results.numFailedTests || 0) + Math.max(results.numRuntimeErrorTestSuites || 0, brokenSuites);
    const skipped = (results.numPendingTests || 0) + (results.numTodoTests || 0);
    return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
  }

  onRunComplete(_testContexts, results) {
    const line = SummaryReporter.summaryLine(results);
    if (this.globalConfig && (this.globalConfig.watch || this.globalConfig.watchAll)) {
      process.stdout.write(`\n${line}\n`);
      return;
    }
    // Jest's own summary reporter always runs after custom reporters, and globalTeardown and jest-cli may print
    // after that: print when the process exits so that this really is the last line.
    this.line = line;
    if (!this.exitHookInstalled) {
      this.exitHookInstalled = true;
      const print = () => {
        if (this.printed) return;
        this.printed = true;
        const text = `\n${this.line}\n`;
        try {
          require('node:fs').writeSync(1, text);
        } catch {
          process.stdout.write(text);
        }
      };
      process.on('exit', print);
      // Killed after the run (e.g. CI's timeout because leaked handles keep jest alive): still print the counts,
      // then let the signal do what it would have done.
      for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
        const onSignal = () => {
          print();
          process.removeListener(sig, onSignal);
          if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
        };
        process.on(sig, onSignal);
      }
    }
  }
}

module.exports = SummaryReporter;
