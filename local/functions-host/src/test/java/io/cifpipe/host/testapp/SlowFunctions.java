package io.cifpipe.host.testapp;

import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;

/** A Service Bus function that holds each message for a while, so a test can see how many run at once. */
public final class SlowFunctions {

    @FunctionName("slowConsume")
    public void slowConsume(
            @ServiceBusQueueTrigger(name = "message", queueName = "%SlowQueue%", connection = "SbConn") String message)
            throws InterruptedException {
        Thread.sleep(Long.parseLong(message));
    }
}
