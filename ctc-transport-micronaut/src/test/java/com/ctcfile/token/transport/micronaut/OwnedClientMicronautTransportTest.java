package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.testkit.TransportContractTest;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;

/**
 * The port's contract on the client {@link MicronautTransport#create()} makes and owns: no
 * application context, no JSON library, no configuration by the caller.
 */
class OwnedClientMicronautTransportTest extends TransportContractTest {

  @Override
  protected Transport createTransport() {
    return MicronautTransport.create();
  }

  @Test
  void theseTestsRunWithoutAJsonLibrary() {
    // what makes this suite the proof that the module works on its own: HttpClient.create(..) would fail here
    assertThatThrownBy(JsonMapper::createDefault).isInstanceOf(IllegalStateException.class);
  }
}
