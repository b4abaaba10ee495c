package com.ctcfile.token.core.archfixture.cycle.b;

import com.ctcfile.token.core.archfixture.cycle.a.First;

public class Second {
  First first;
}
