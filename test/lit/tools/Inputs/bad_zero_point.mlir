func.func private @f(tensor<1x!quant.uniform<u8:f32, 0.1:256>>)
