package com.ctcfile.token.core.archfixture.cycle.a;

import com.ctcfile.token.core.archfixture.cycle.b.Second;

public class First {
  Second second;
}
