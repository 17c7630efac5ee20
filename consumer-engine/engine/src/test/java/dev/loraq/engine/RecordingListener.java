package dev.loraq.engine;

import dev.loraq.engine.generation.GenerationListener;
import dev.loraq.engine.generation.GenerationResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Records every call a request's listener gets, with the thread it came on; checks the calls never overlap. */
final class RecordingListener implements GenerationListener {

    final List<Integer> tokenIds = new ArrayList<>();
    final List<Integer> indexes = new ArrayList<>();
    final List<String> deltas = new ArrayList<>();
    final List<String> threads = new ArrayList<>();
    final CountDownLatch firstToken = new CountDownLatch(1);
    final CountDownLatch ended = new CountDownLatch(1);
    volatile String finishDelta;
    volatile GenerationResult finished;
    volatile Throwable error;
    volatile int terminalCalls;
    volatile boolean callsAfterEnd;
    private volatile boolean inCall;
    volatile boolean overlapped;

    @Override
    public void onToken(int tokenId, String textDelta, int index) {
        enter();
        if (terminalCalls > 0) {
            callsAfterEnd = true;
        }
        tokenIds.add(tokenId);
        indexes.add(index);
        deltas.add(textDelta);
        leave();
        firstToken.countDown();
    }

    @Override
    public void onFinish(String textDelta, GenerationResult result) {
        enter();
        finishDelta = textDelta;
        finished = result;
        terminalCalls++;
        leave();
        ended.countDown();
    }

    @Override
    public void onError(Throwable e) {
        enter();
        error = e;
        terminalCalls++;
        leave();
        ended.countDown();
    }

    /** Every delta, the finish's last one included, in order. */
    String streamedText() {
        return String.join("", deltas) + (finishDelta == null ? "" : finishDelta);
    }

    private void enter() {
        if (inCall) {
            overlapped = true;
        }
        inCall = true;
        threads.add(Thread.currentThread().getName());
    }

    private void leave() {
        inCall = false;
    }
}
